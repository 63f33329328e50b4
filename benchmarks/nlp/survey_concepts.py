"""The concept bank behind ``realistic_survey.py``: codes and how respondents say them.

Written for this benchmark (no third-party text). Each concept is one code as a program
evaluator would name it, with a pool of phrasings a respondent might use: synonyms in
``{a|b|c}`` slots, paraphrases that share no word with the code's name, and a few
negated or off-topic mentions (``NEAR``) that use the code's words without meaning it.
Kept apart from the generator so the generator stays readable.
"""

from __future__ import annotations

# name -> (phrasings that mean the code, near-misses that use its words but do not)
CONCEPTS: dict[str, tuple[list[str], list[str]]] = {
    "Childcare": ([
        "{finding|getting|arranging} childcare was {hard|a struggle|difficult}",
        "no one to {watch|look after|mind} my {kids|children|little ones} during the sessions",
        "i had to bring my {baby|toddler|son|daughter} with me",
        "childcare {costs|fees} made it hard to attend",
        "the {creche|nursery|kids corner} {closed|was full} so i missed {classes|days}",
        "{school pickup|picking up the kids} clashed with the {afternoon|evening} sessions",
        "as a single {mum|parent|dad} it was hard to get away",
    ], ["childcare was not an issue for me", "my kids are grown so that was fine"]),
    "Transport and travel": ([
        "the {bus|train|commute} {took ages|was unreliable|was expensive}",
        "it was {far|a long way} from {where i live|my home|my village}",
        "{getting there|travelling in} {every day|each week} was {tiring|costly|a problem}",
        "i {do not|don't} have a car and {transport|travel} was a {problem|barrier}",
        "the {bus fare|petrol|fuel} added up",
        "{rural|remote} areas {have|had} no {buses|public transport}",
        "i {walked|cycled} {an hour|forty minutes} each way",
    ], ["transport was provided so no problem there", "travel was easy, only ten minutes"]),
    "Cost of taking part": ([
        "{the fees|the cost|the price} {was|were} {too high|steep|hard to afford}",
        "i could not afford the {materials|books|equipment} they asked us to buy",
        "{losing|giving up} a {day's|week's} {wages|pay} to attend",
        "money was {tight|short} and {the course|it} {wasn't|was not} free",
        "hidden {costs|charges} for {exams|certificates|uniforms}",
    ], ["the cost was fine, it was free", "cost was never the problem"]),
    "Stipend or allowance": ([
        "the {allowance|stipend|daily payment} {helped|made it possible|covered my costs}",
        "{getting paid|the small payment} to attend {made a difference|kept me going}",
        "the {allowance|stipend} came {late|weeks late|irregularly}",
        "{travel money|lunch money|the per diem} was {useful|a big help}",
        "they {reimbursed|paid back} our {bus fares|travel costs}",
    ], ["no allowance but i did not expect one"]),
    "Schedule and timing": ([
        "the {sessions|classes} {clashed|conflicted} with my {work|shifts|job}",
        "{evening|weekend|morning} {sessions|classes} would {suit|work for} me better",
        "the {times|timetable|schedule} {changed|kept changing} at short notice",
        "{starting|running} too {early|late} in the day",
        "it was during {harvest|the busy season|ramadan} which was {bad timing|hard}",
        "i work {nights|shifts} so {the hours|the timing} did not fit",
    ], ["the schedule was fine for me", "timing suited me well"]),
    "Length and pace": ([
        "the course was too {short|rushed|quick} to {cover|learn} everything",
        "{sessions|days} were too long and i {lost focus|got tired}",
        "{it moved|they went} too {fast|quickly} for {me|beginners}",
        "{more time|extra weeks|a longer course} {would help|is needed}",
        "some {topics|modules} {dragged on|were too slow}",
        "{the pace|the speed} {was|felt} {uneven|hard to keep up with}",
    ], ["the length was about right", "long enough, i would not change it"]),
    "Supportive staff": ([
        "the {staff|team|coordinators} were {friendly|kind|welcoming|patient}",
        "{they|staff} {always|really} {listened|had time for us|made us feel welcome}",
        "{sarah|the coordinator|the case worker|my advisor} {went out of her way|helped me a lot}",
        "i felt {respected|valued|treated like a person}",
        "{everyone|the people running it} {cared|were approachable|were so helpful}",
        "{you|we} could {ask|call} them {anytime|whenever we needed}",
    ], ["staff changed a lot", "i never met the staff"]),
    "Trainer expertise": ([
        "the {trainer|facilitator|teacher|instructor} {really knew|knew} "
        "{their stuff|the subject|what they were talking about}",
        "{real|practical} {experience|examples} from {the field|industry|their own work}",
        "the {teacher|facilitator} explained things {clearly|well|in simple words}",
        "some {trainers|facilitators} {were not|weren't} {qualified|prepared|experienced}",
        "{good|excellent|knowledgeable} {instructors|tutors|teachers}",
    ], ["the trainer was new but that was ok"]),
    "Practical hands-on skills": ([
        "{hands-on|practical} {practice|exercises|work} {was|were} the best part",
        "we {actually|really} {did|practised} {the tasks|it ourselves} instead of just listening",
        "{role plays|simulations|site visits|workshops} {helped|were useful}",
        "learning {by doing|on the job|with real tools}",
        "{too much theory|too many slides}, {not enough|too little} {practice|doing}",
        "i {can now|learned to} {fix|use|build} things {myself|on my own}",
    ], ["practical things like parking were fine"]),
    "Course materials": ([
        "the {handouts|workbook|manual|materials} were {useful|clear|easy to follow}",
        "{materials|resources|the notes} {were|are} {outdated|hard to read|full of jargon}",
        "i still {use|look at} the {workbook|notes|handouts} {at home|now}",
        "{videos|slides|the printed guide} {helped|made it easier}",
        "{no materials|nothing} to take home",
        "the {booklet|toolkit} was only in english",
    ], []),
    "Peer support and networking": ([
        "meeting {other people|others} in the same {situation|boat}",
        "{made|i made} {friends|good friends|contacts} {in the group|there}",
        "we {still|now} {keep in touch|have a whatsapp group|help each other}",
        "{sharing|hearing} {experiences|stories} with {the group|others} {helped|was valuable}",
        "{the other participants|my classmates|the group} {were|was} {great|supportive}",
        "{networking|connections} {opened doors|led to opportunities}",
    ], ["i prefer to work alone"]),
    "Confidence and self-esteem": ([
        "i feel {more confident|braver|less shy} {now|than before}",
        "{it|the course} {gave|boosted} my {confidence|self-esteem|self belief}",
        "i {can|am able to} {speak up|talk in front of people|stand up for myself} now",
        "i {believe in myself|feel proud of myself} {again|more}",
        "{less|not as} {anxious|nervous|scared} {at interviews|about new things}",
    ], ["confidence is still low in the community"]),
    "Got a job": ([
        "i {got|found|started} a {job|new job|position} {after|thanks to} the {course|programme}",
        "{now|i am now} {employed|working} {full time|part time|at a warehouse|in a shop}",
        "{they|the program} {helped|connected} me {find|to} {work|an employer}",
        "{two|three} {weeks|months} later i was {hired|taken on}",
        "{i am|i'm} still {looking for|without} {work|a job}",
    ], ["the job board at the centre was old"]),
    "Income and finances": ([
        "i {earn|make} {more|more money|a better wage} now",
        "{my income|our household income} {went up|improved|is more stable}",
        "i can {pay|cover} {the rent|my bills|school fees} {now|more easily}",
        "{saving|budgeting} {money|better} {since the course|each month}",
        "{things|money} {are|is} still {tight|hard} financially",
    ], []),
    "Started a business": ([
        "i {started|opened|set up} my own {business|shop|stall|small business}",
        "{selling|making} {clothes|food|crafts|phone repairs} {from home|at the market}",
        "{the business|my stall} {is growing|has customers now}",
        "{they|the course} {helped|showed} me {write|make} a business plan",
        "{self-employed|working for myself} {now|since last year}",
    ], []),
    "Language barriers": ([
        "{my english|the language} {was|made it} {hard|a barrier|difficult}",
        "{i did not|i didn't} understand {everything|some words|the teacher} {at first|always}",
        "{an interpreter|translation|materials in my language} would {help|have helped}",
        "{they spoke|everything was} too fast {in english|for me}",
        "{people|some of us} {who don't speak|with little} english {struggled|were left out}",
    ], ["language was not a problem for me"]),
    "Digital and online access": ([
        "{the online platform|the app|zoom|the website} "
        "{kept crashing|was confusing|was hard to use}",
        "{no|poor|bad} {internet|wifi|data} {at home|where i live}",
        "i {don't have|had no} {a laptop|a computer|a smartphone}",
        "{online|virtual} {sessions|classes} {were hard|did not work} for me",
        "{logging in|the passwords|uploading} {was a nightmare|took forever}",
    ], ["online sessions worked fine"]),
    "Venue and facilities": ([
        "the {room|hall|building|venue} was {cold|cramped|noisy|too small}",
        "{no|not enough} {chairs|toilets|space|heating}",
        "{the venue|the centre} was {clean|comfortable|nice}",
        "{hard to find|hidden away|up three flights of stairs}",
        "{the building|it} {wasn't|was not} {accessible|wheelchair friendly}",
    ], []),
    "Information and communication": ([
        "{nobody|no one} told us {about changes|what was happening|when things moved}",
        "{emails|messages|texts} {came late|were confusing|never arrived}",
        "i {did not|didn't} know {what to expect|where to go|who to ask}",
        "{clearer|better|more} {information|communication} {before starting|beforehand} please",
        "they {kept us|kept me} {informed|updated} {by phone|on whatsapp|every week}",
    ], []),
    "Follow-up and aftercare": ([
        "{support|help|contact} {stopped|ended|disappeared} {when the course ended|afterwards}",
        "{a follow-up|check-in|refresher} {session|call} would {help|be good}",
        "{nobody|no one} {checked in|followed up} {after|later}",
        "{they|the mentor} {still|kept} {calls|calling|check on} me {months later|now and then}",
        "{ongoing|continued|longer term} {support|mentoring} {after the course|afterwards}",
    ], []),
    "Mentoring and one-to-one support": ([
        "{my|the} {mentor|coach|advisor} {helped|guided|encouraged} me",
        "{one-to-one|individual|personal} {sessions|support|meetings} {were|was} "
        "{best|most useful}",
        "having {someone|a person} to {talk to|ask} {privately|one on one}",
        "{more|extra} {individual|personal} {attention|time} {needed|please}",
    ], []),
    "Recognised certificate": ([
        "{a|the} {certificate|qualification|diploma} {employers|companies} {recognise|accept}",
        "{the certificate|it} {is not|isn't} {recognised|accepted} {anywhere|by employers}",
        "{getting|receiving} {a certificate|my certificate} {at the end|made me proud}",
        "{accredited|official} {qualification|credentials} {would help|matter}",
    ], []),
    "More sessions or topics": ([
        "{more|extra|additional} {sessions|classes|modules} "
        "on {computers|finance|english|interviews}",
        "{an advanced|a second|a follow-on} {level|course|module}",
        "{cover|add|include} {more topics|customer service|bookkeeping|first aid}",
        "i {wanted|would like} {more|to learn more}",
        "{keep|continue} {running|offering} it {every year|for others}",
    ], []),
    "Outreach and advertising": ([
        "{more people|others} {need to|should} {know about|hear about} it",
        "i {only|just} {heard|found out} {by chance|from a friend|by word of mouth}",
        "{advertise|promote} it {more|better|on the radio|on facebook}",
        "{many|most} {people|families} in my {area|community} {don't know|have never heard} "
        "{about it|of it}",
    ], []),
    "Health and disability": ([
        "my {back|health|illness|condition} made {it|attending} {hard|difficult}",
        "{as|being} {a wheelchair user|disabled|deaf} {it was|things were} {hard|not easy}",
        "{mental health|depression|anxiety} {kept me|stopped me} {from going|at home} "
        "{some days|sometimes}",
        "{they|staff} {adjusted|adapted} {things|the sessions} {for my disability|for my needs}",
    ], []),
    "Family responsibilities": ([
        "{caring for|looking after} {my mother|a sick relative|my family} {took|takes} "
        "{my time|priority}",
        "my {husband|partner|family} {did not|didn't} want me to {go|attend}",
        "{housework|chores|family duties} {came first|got in the way}",
        "{family|home} {pressures|commitments} {made it hard|were a barrier}",
    ], []),
    "Safety": ([
        "i {did not|didn't} feel {safe|secure} {walking home|after dark|in that area}",
        "{the area|the neighbourhood} {is|was} {dangerous|rough|unsafe} at night",
        "{harassment|catcalling|trouble} on the {way|bus}",
        "{they|staff} {arranged|organised} {lifts|escorts} {home|for women} "
        "{which helped|so i felt safer}",
    ], []),
    "Motivation and hope": ([
        "{it|the course} gave me {hope|a reason to get up|something to look forward to}",
        "i {feel|am} {motivated|determined|inspired} to {keep going|do more|study further}",
        "{i have|now i have} {goals|a plan|direction} {again|for the future}",
        "{it|the program} {changed my outlook|made me think bigger}",
    ], []),
    "Relevance to local jobs": ([
        "{the skills|what we learned} {don't|do not} {match|fit} {jobs|work} "
        "{around here|in my town}",
        "{there are|we have} {no|few} {jobs|employers} {here|locally} {in that field|for this}",
        "{tailored|linked|connected} to {what employers need|the local market|real vacancies}",
        "{it|the course} {was|is} {relevant|useful} for {the work|jobs} {here|in the area}",
    ], []),
    "Group size": ([
        "{the group|the class} was {too big|too large|overcrowded}",
        "{smaller|small} {groups|classes} {mean|give} {more attention|more time each}",
        "{too many|forty} people in {one room|the class}",
        "the group was {small|just right} so {everyone|we all} got {a turn|attention}",
    ], []),
    "Paperwork and registration": ([
        "{the forms|the application|registration} {took forever|was complicated|was confusing}",
        "{so many|too many} {documents|papers|forms} to {fill in|bring|sign}",
        "{proof of address|id documents|the paperwork} {was|were} hard to {get|provide}",
        "{signing up|enrolling} was {easy|quick|simple}",
    ], []),
    "Food and refreshments": ([
        "{the lunch|the meals|the snacks|tea and biscuits} {were|was} {nice|appreciated|a help}",
        "{no|there was no} {food|lunch|water} {provided|all day}",
        "{a hot meal|lunch} made {it easier|a difference} {for us|when money was short}",
    ], []),
}

OPENERS = ["", "", "", "honestly", "i think", "for me", "well", "to be honest", "overall",
           "mainly", "i would say", "personally", "hmm", "definitely", "i guess"]
CONNECTORS = [", and ", ". ", ". also ", ", but ", "; ", " and ", ". plus ", ", also "]
FILLER = [
    "thank you for asking", "nothing else to add", "it was ok", "not sure what else to say",
    "i would recommend it", "overall a good experience", "hard to say", "that's all",
    "the weather was bad that week", "my cousin did it too", "i did it last spring",
    "it was my first time doing anything like this", "some days were better than others",
    "i think most people liked it", "keep up the good work", "no complaints really",
    "n/a", "i can't remember much", "it depends", "good overall", "as above",
]
EMPTY = ["n/a", "nothing", "no comment", "not sure", "none", "don't know", "nothing really",
         "-", "no", "all good", "can't think of anything", "same as before"]

# terse answers ("the bus", "money"): many real survey answers are one to three words
SHORT: dict[str, list[str]] = {
    "Childcare": ["childcare", "kids", "no babysitter", "my children", "child care"],
    "Transport and travel": ["transport", "the bus", "travel", "distance", "too far", "bus fares"],
    "Cost of taking part": ["cost", "money", "too expensive", "fees", "the price"],
    "Stipend or allowance": ["the allowance", "stipend", "the payment", "per diem"],
    "Schedule and timing": ["timing", "the schedule", "work hours", "bad times", "shifts"],
    "Length and pace": ["too short", "too rushed", "too long", "pace"],
    "Supportive staff": ["the staff", "friendly staff", "the people", "kind staff"],
    "Trainer expertise": ["the trainer", "good teacher", "the teachers", "facilitator"],
    "Practical hands-on skills": ["practical work", "hands on", "practice", "the practicals"],
    "Course materials": ["the handouts", "materials", "workbook", "the notes"],
    "Peer support and networking": ["the group", "meeting people", "friends", "networking"],
    "Confidence and self-esteem": [
        "confidence", "more confident", "self esteem", "belief in myself"],
    "Got a job": ["got a job", "a job", "employment", "work"],
    "Income and finances": ["more income", "better pay", "money", "earnings"],
    "Started a business": ["my business", "own business", "my shop", "business"],
    "Language barriers": ["language", "english", "the language"],
    "Digital and online access": ["internet", "the app", "wifi", "no laptop", "online"],
    "Venue and facilities": ["the venue", "the room", "building", "facilities"],
    "Information and communication": ["communication", "information", "no info", "better info"],
    "Follow-up and aftercare": ["follow up", "after care", "follow-up support"],
    "Mentoring and one-to-one support": ["my mentor", "mentoring", "one to one", "the coach"],
    "Recognised certificate": ["the certificate", "certificate", "qualification"],
    "More sessions or topics": ["more sessions", "more classes", "more topics", "advanced course"],
    "Outreach and advertising": ["advertise more", "advertising", "tell more people"],
    "Health and disability": ["my health", "disability", "health", "illness"],
    "Family responsibilities": ["family", "family duties", "caring duties"],
    "Safety": ["safety", "not safe", "felt unsafe"],
    "Motivation and hope": ["motivation", "hope", "motivated"],
    "Relevance to local jobs": ["no local jobs", "relevance", "not relevant here"],
    "Group size": ["group size", "too many people", "big class"],
    "Paperwork and registration": ["paperwork", "forms", "registration"],
    "Food and refreshments": ["the food", "lunch", "snacks", "the meals"],
}
